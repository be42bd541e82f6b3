FROM alpine:3.22 AS x
COPY --from=x /a /b
