FROM golang:1.27 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp .

# scratch is no image at all: an empty filesystem. The binary will be its only file.
FROM scratch
COPY --from=build /out/webapp /webapp
# A number works without /etc/passwd: the kernel needs no name. Looking the name up does.
USER 65532:65532
ENTRYPOINT ["/webapp"]
