FROM alpine:3.22
RUN true

FROM scratch
COPY --from=5 /x /x
