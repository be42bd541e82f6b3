# Internal helper image (never tagged as a lesson base): the files the scratch-based stand-ins
# need, assembled here because a scratch image has no shell and no package manager to fetch them.
FROM docktutor-standin/debian:bookworm

# busybox-static is one self-contained binary: it can be the whole userland of a scratch image.
# ca-certificates and tzdata provide the bundle and zoneinfo the real small images ship.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      busybox-static ca-certificates tzdata >/dev/null \
 && rm -rf /var/lib/apt/lists/*

# /skel/distroless: what gcr.io/distroless/* put beside the program: passwd and group with root,
# nobody and nonroot (65532), a writable /tmp, nonroot's home, the CA bundle, os-release.
# /skel/alpine: the same kind of files for a busybox system whose users have a shell.
# /skel/busybox: busybox plus one relative symlink per applet, for the :debug variants' /busybox.
# /skel/zoneinfo: the time zone database distroless ships in /usr/share/zoneinfo (without the
# right/ and posix/ copies, to stay small). Alpine ships none: its tzdata is a separate package.
# /skel/alpine/lib: libcrypto and libssl, which real Alpine carries for apk (so that the stand-in
# weighs what a distribution with a package manager weighs, more than distroless static).
RUN set -eu; \
    mkdir -p /skel/zoneinfo/usr/share; cp -a /usr/share/zoneinfo /skel/zoneinfo/usr/share/; \
    rm -rf /skel/zoneinfo/usr/share/zoneinfo/right /skel/zoneinfo/usr/share/zoneinfo/posix; \
    mkdir -p /skel/alpine/lib; \
    for l in libcrypto.so.3 libssl.so.3; do cp -L "$(find /usr/lib /lib -name $l | head -n1)" /skel/alpine/lib/; done; \
    d=/skel/distroless; \
    mkdir -p $d/etc/ssl/certs $d/tmp $d/root $d/home/nonroot; \
    printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' \
      'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
      'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' > $d/etc/passwd; \
    printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'tty:x:5:' 'staff:x:50:' 'nonroot:x:65532:' > $d/etc/group; \
    cp /etc/ssl/certs/ca-certificates.crt $d/etc/ssl/certs/; \
    cp -L /etc/os-release $d/etc/os-release; \
    chmod 1777 $d/tmp; chmod 700 $d/root; chown 65532:65532 $d/home/nonroot; \
    a=/skel/alpine; \
    mkdir -p $a/bin $a/sbin $a/usr/bin $a/usr/sbin $a/usr/local/bin $a/etc/ssl/certs $a/tmp \
      $a/root $a/home $a/var/tmp $a/var/log $a/run $a/mnt $a/opt $a/srv; \
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'bin:x:1:1:bin:/bin:/sbin/nologin' \
      'daemon:x:2:2:daemon:/sbin:/sbin/nologin' 'nobody:x:65534:65534:nobody:/:/sbin/nologin' > $a/etc/passwd; \
    printf '%s\n' 'root:x:0:root' 'bin:x:1:root,bin,daemon' 'daemon:x:2:root,bin,daemon' \
      'tty:x:5:' 'wheel:x:10:root' 'users:x:100:' 'nogroup:x:65533:' 'nobody:x:65534:' > $a/etc/group; \
    printf '%s\n' 'root:*::0:::::' 'bin:!::0:::::' 'daemon:!::0:::::' 'nobody:!::0:::::' > $a/etc/shadow; \
    chmod 640 $a/etc/shadow; \
    printf '%s\n' '/bin/sh' '/bin/ash' > $a/etc/shells; \
    printf '%s\n' 'NAME="docktutor stand-in for Alpine Linux (busybox on scratch)"' 'ID=alpine' \
      'VERSION_ID=3.22.0' 'PRETTY_NAME="docktutor TEST STAND-IN for alpine:3.22; not the real image"' > $a/etc/os-release; \
    cp /etc/ssl/certs/ca-certificates.crt $a/etc/ssl/certs/; \
    chmod 1777 $a/tmp $a/var/tmp; chmod 700 $a/root; \
    b=/skel/busybox/busybox; \
    mkdir -p $b; cp /bin/busybox $b/busybox; \
    for app in $(/bin/busybox --list); do [ "$app" = busybox ] || ln -s busybox $b/$app; done
