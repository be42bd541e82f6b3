# A popular recipe, and a broken one: build on the golang image, ship on distroless static.
FROM golang:1.27 AS build
WORKDIR /src
COPY go.mod main.go ./
# No CGO_ENABLED=0. The golang image has gcc, so cgo is on: net and os/user call glibc, and the
# binary is dynamically linked. It needs /lib64/ld-linux-x86-64.so.2 (the loader) and libc.so.6.
RUN go build -trimpath -ldflags="-s -w" -o /out/webapp .

# distroless/static has no libc and no loader: the kernel cannot start the binary.
FROM gcr.io/distroless/static-debian13
COPY --from=build /out/webapp /webapp
USER 65532:65532
ENTRYPOINT ["/webapp"]
