FROM python:3.13-slim
WORKDIR /app
# COPY . . copies the build context: everything the client sent, which without a
# .dockerignore is the whole folder, .env and README.md included.
COPY . .
# So an edit to any file of it, even the README, changes the layer above and reruns this.
RUN pip install --no-cache-dir --no-index --find-links=./wheels -r requirements.txt
USER 65532
CMD ["python", "hello.py"]
