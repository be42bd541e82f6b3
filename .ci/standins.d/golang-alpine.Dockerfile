# Stand-in for golang:1.27-alpine: the alpine stand-in (busybox) plus the host's Go toolchain from
# the build context. No gcc, as on real Alpine, so cgo is off by default.
FROM docktutor-standin/alpine:3.22

COPY go /usr/local/go
ENV GOPATH=/go \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    GOTOOLCHAIN=local \
    CGO_ENABLED=0
RUN mkdir -p /go/src /go/bin && chmod -R 1777 /go
WORKDIR /go
# Test-speed only (the real image ships no build cache): compile the standard library once, with
# the flags the lessons use, so each lesson's Go build takes seconds instead of minutes on CI.
RUN CGO_ENABLED=0 go build -trimpath std
CMD ["/bin/sh"]
