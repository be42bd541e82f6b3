# The toolchain builds...
FROM golang:1.27 AS build
WORKDIR /src
COPY main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp main.go

# ...and distroless/static ships the one file that matters.
FROM gcr.io/distroless/static-debian13
COPY --from=build /out/webapp /webapp
USER 65532:65532
ENTRYPOINT ["/webapp"]
