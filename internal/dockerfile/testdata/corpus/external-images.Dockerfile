FROM node:22-alpine AS web
WORKDIR /web
COPY package.json .
RUN npm ci && npm run build

FROM nginx:1.27-alpine
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/nginx.conf
COPY --from=busybox:1.36 /bin/busybox /bin/busybox
COPY --from=web /web/dist /usr/share/nginx/html
COPY --from=nginx:1.27 /docker-entrypoint.d /docker-entrypoint.d
