FROM python:3.13-slim AS build
WORKDIR /app
COPY hello.py test_hello.py ./
RUN python -m unittest -v

# The :debug variant: the same image plus a busybox shell in /busybox. For finding out what
# went wrong, not for production.
FROM gcr.io/distroless/python3-debian13:debug
WORKDIR /app
COPY --from=build /app/hello.py .
# Run as nonroot (65532), as the :nonroot image would (the :debug-nonroot tag does both).
USER 65532
CMD ["hello.py"]
