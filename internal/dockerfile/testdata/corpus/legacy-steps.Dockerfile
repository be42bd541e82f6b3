ARG BASE=scratch
ARG OTHER=1
FROM ${BASE} AS build
COPY a.txt /a
COPY a.txt /b
FROM scratch AS unused
COPY a.txt /u
FROM build AS mid
COPY a.txt /c
FROM scratch
COPY --from=mid /a /final
ENV X=1
