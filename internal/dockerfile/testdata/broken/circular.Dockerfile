FROM alpine:3.22 AS a
COPY --from=b /x /x

FROM scratch AS b
COPY --from=a /x /x
