FROM alpine:3.22 AS tools
RUN echo first

FROM alpine:3.22 AS tools
RUN echo second

FROM scratch
COPY --from=tools /etc/os-release /
