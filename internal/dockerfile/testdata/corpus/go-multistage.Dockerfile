# syntax=docker/dockerfile:1
# Build fat: the whole Go toolchain.
FROM golang:1.25-alpine AS build
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hello .

# Ship thin: only the binary.
FROM gcr.io/distroless/static-debian12
COPY --from=build /out/hello /hello
USER nonroot:nonroot
ENTRYPOINT ["/hello"]
