FROM scratch AS app
COPY --from=later /x /x

FROM alpine:3.22 AS later
