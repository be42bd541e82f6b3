FROM python:3.13-slim
WORKDIR /app
# The same Dockerfile. The app's .dockerignore keeps .env and *.md out of the build context,
# so they are not here to copy, and editing them leaves this layer, and the install, cached.
COPY . .
RUN pip install --no-cache-dir --no-index --find-links=./wheels -r requirements.txt
USER 65532
CMD ["python", "hello.py"]
