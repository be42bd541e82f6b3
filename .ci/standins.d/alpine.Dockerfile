# Stand-in for alpine:3.22: busybox on scratch. Same shape as Alpine (busybox is /bin/sh and the
# coreutils), but no apk and no musl: there is no registry to install from anyway. It carries
# libcrypto and libssl, as real Alpine does (for apk), and no time zones, as real Alpine does not.
FROM docktutor-standin/toolbox:bookworm AS tools

FROM scratch
COPY --from=tools /skel/alpine/ /
COPY --from=tools /bin/busybox /bin/busybox
# Exec form: there is no /bin/sh until busybox has made its own applet links.
RUN ["/bin/busybox", "--install", "-s"]
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["/bin/sh"]
