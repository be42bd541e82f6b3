FROM golang:1.27 AS build
WORKDIR /src
COPY main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp main.go

# distroless/static: CA certificates, time zones and a passwd file. No shell, no libc:
# exactly enough for a static Go binary.
FROM gcr.io/distroless/static-debian13
COPY --from=build /out/webapp /webapp
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/webapp"]
