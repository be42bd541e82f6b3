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
CMD ["python", "hello.py"]
