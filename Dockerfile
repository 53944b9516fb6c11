# Supplier Gateway image: one image, every role (GATEWAY_ROLE=api|worker|all).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY partners ./partners
COPY edi-maps ./edi-maps
COPY erp ./erp
COPY portal ./portal
# Named volumes mounted here take this ownership on first use.
RUN mkdir -p /run/gateway-secrets /app/data/blobs && chown -R node:node /run/gateway-secrets /app/data
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
