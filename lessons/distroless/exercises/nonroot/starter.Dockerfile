FROM golang:1.27 AS build
WORKDIR /src
COPY main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp main.go

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/webapp /webapp
ENTRYPOINT ["/webapp"]
