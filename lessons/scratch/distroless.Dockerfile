# The baseline: distroless static has the three files a Go server usually needs.
FROM golang:1.27 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/webapp /webapp
USER 65532:65532
ENTRYPOINT ["/webapp"]
