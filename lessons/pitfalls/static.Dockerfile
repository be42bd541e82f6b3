# The fix: CGO_ENABLED=0. Go's own name and user lookups replace glibc's, and the binary is
# static: it loads nothing, so it runs on an image with no C library.
FROM golang:1.27 AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/webapp .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/webapp /webapp
USER 65532:65532
ENTRYPOINT ["/webapp"]
