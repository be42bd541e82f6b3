FROM golang:1.25-alpine AS build
RUN go build -o /hello .

FROM scratch
COPY --from=build /hello /hello
