# Stage 1, "build": the full image, with compilers and pip, where the work happens.
# hello.py has no dependencies, so the work is running its tests.
FROM python:3.13 AS build
WORKDIR /app
COPY hello.py test_hello.py ./
RUN python -m unittest -v

# Stage 2: a fresh start on the slim image. Only what COPY --from names crosses over:
# hello.py comes along, the tests and the whole build stage stay behind.
FROM python:3.13-slim
WORKDIR /app
COPY --from=build /app/hello.py .
# Run as uid 65532, not root (the image has no name for it; distroless calls it nonroot).
USER 65532
CMD ["python", "hello.py"]
