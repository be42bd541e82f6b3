FROM golang:1.25-alpine AS build
WORKDIR /src
COPY . .
RUN go build \
    -o /hello .

FROM alpine:3.22
COPY --from=build /hello /usr/local/bin/hello
CMD ["hello"]
