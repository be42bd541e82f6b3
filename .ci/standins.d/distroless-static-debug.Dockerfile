# Stand-in for gcr.io/distroless/static-debian13:debug: the non-debug stand-in plus a busybox
# shell under /busybox, which is where the real :debug images keep it.
FROM docktutor-standin/toolbox:bookworm AS tools

FROM docktutor-standin/distroless-static-debian13:latest
COPY --from=tools /skel/busybox/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/busybox
# The real :debug image drops you into the shell.
ENTRYPOINT ["/busybox/sh"]
