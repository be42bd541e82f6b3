FROM golang:1.25-alpine AS Builder
RUN go build -o /hello .

FROM builder AS Tester
RUN go test ./...

FROM alpine:3.22 AS Runtime
COPY --from=BUILDER /hello /hello
COPY --from=Builder /hello /hello2
ENTRYPOINT ["/hello"]
