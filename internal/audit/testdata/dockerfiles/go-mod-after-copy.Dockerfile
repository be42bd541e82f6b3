FROM golang:1.27 AS build
WORKDIR /src
COPY ./ ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
RUN go build -o /out/app .
FROM gcr.io/distroless/static-debian13
COPY --from=build /out/app /app
