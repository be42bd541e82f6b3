# Stand-in for golang:1.27: Debian with gcc (for cgo) and git, plus the host's Go toolchain, which
# the script puts in the build context as ./go: no Go download is possible offline.
FROM docktutor-standin/debian:bookworm

RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      gcc libc6-dev make git pkg-config ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin

COPY go /usr/local/go
# GOTOOLCHAIN=local: never try to download another toolchain (there is no network for it).
ENV GOPATH=/go \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    GOTOOLCHAIN=local
RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go
WORKDIR /go
# Test-speed only (the real image ships no build cache): compile the standard library once, with
# the flags the lessons use, so each lesson's Go build takes seconds instead of minutes on CI.
RUN CGO_ENABLED=0 go build -trimpath std
# The same with cgo on (the default here, gcc is installed), for the pitfalls lesson's cgo build.
RUN go build -trimpath std
CMD ["bash"]
