FROM python:3.13-slim
WORKDIR /app
# First what changes rarely: the dependency list and the wheels it names.
COPY requirements.txt ./
COPY wheels/ ./wheels/
# This layer depends only on the two COPYs above: an edit to hello.py leaves it cached.
RUN pip install --no-cache-dir --no-index --find-links=./wheels -r requirements.txt
# Last what changes most: the source.
COPY hello.py ./
USER 65532
CMD ["python", "hello.py"]
