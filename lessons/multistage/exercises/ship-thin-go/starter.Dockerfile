# One stage: the Go toolchain image builds the app and then ships with it.
FROM golang:1.27
WORKDIR /src
COPY main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /usr/local/bin/webapp main.go
EXPOSE 8080
ENTRYPOINT ["webapp"]
