ARG GO=1.25
FROM --platform=${BUILDPLATFORM} golang:${GO}-alpine AS build
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .

FROM --platform=$TARGETPLATFORM alpine:3.22
COPY --from=build /out/app /app
