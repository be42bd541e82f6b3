# Build on the slim image of the same Python version the distroless image has.
FROM python:3.13-slim AS build
# --without-pip: the build stage's own pip installs into the venv (pip --python), so no
# package manager ends up in the venv, or in the image.
RUN python -m venv --without-pip /venv
WORKDIR /app
COPY requirements.txt ./
COPY wheels/ ./wheels/
RUN pip --python /venv/bin/python install --no-cache-dir --no-index --find-links=./wheels -r requirements.txt
# A version-free name for the venv's site-packages (lib/python3.13/site-packages), so the
# runtime stage need not spell the version out.
RUN ln -s "$(/venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" /venv/site-packages
COPY hello.py ./

FROM gcr.io/distroless/python3-debian13:nonroot
COPY --from=build /venv /venv
# The distroless interpreter is not the venv's (/venv/bin/python points at a path that does
# not exist here), so tell it where the packages are.
ENV PYTHONPATH=/venv/site-packages
WORKDIR /app
COPY --from=build /app/hello.py ./
# The mistake: the ENTRYPOINT already is python3.13, so this runs `python3.13 python hello.py`.
CMD ["python", "hello.py"]
