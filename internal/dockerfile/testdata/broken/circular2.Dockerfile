FROM alpine:3.22 AS build
COPY --from=runtime /x /x

FROM scratch AS runtime
COPY --from=build /y /y
