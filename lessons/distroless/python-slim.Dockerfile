# For comparison: the multi-stage build from the last lesson, shipping on python:3.13-slim.
FROM python:3.13 AS build
WORKDIR /app
COPY hello.py test_hello.py ./
RUN python -m unittest -v

FROM python:3.13-slim
WORKDIR /app
COPY --from=build /app/hello.py .
# Run as uid 65532, not root (the image has no name for it; distroless calls it nonroot).
USER 65532
CMD ["python", "hello.py"]
