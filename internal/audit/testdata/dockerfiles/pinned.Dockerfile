FROM localhost:5000/team/base:1.4 AS one
FROM python@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS two
FROM scratch
COPY --from=one /etc/os-release /
COPY --from=two /etc/os-release /two
