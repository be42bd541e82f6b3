# BuildKit numbers the images referenced by --from after the stages: in this
# two-stage file, --from=2 is the image the first COPY --from named.
FROM alpine:3.22 AS build
RUN echo build

FROM scratch
COPY --from=busybox:1.36 /bin/busybox /busybox
COPY --from=2 /bin/sh /sh
COPY --from=build /etc/os-release /
