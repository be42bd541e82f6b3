FROM golang:1.27 AS build
WORKDIR /src
COPY main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp main.go

# The :debug variant adds busybox in /busybox. Its own ENTRYPOINT is that shell; ours
# replaces it, so the image still starts the app, and --entrypoint gets you the shell.
FROM gcr.io/distroless/static-debian13:debug
COPY --from=build /out/webapp /webapp
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/webapp"]
