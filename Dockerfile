# syntax=docker/dockerfile:1
# mpconsole ssh in a container: the console over SSH on port 2222.
#
#   docker build -t mpconsole .
#   docker run -d -p 2222:2222 -v mpconsole-data:/data mpconsole
#
# /data holds the profiles file (config.toml), the host key (generated on
# first start) and authorized_keys; put your public keys in
# /data/authorized_keys. With no profile configured the server serves the
# embedded sandbox.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
ARG COMMIT=""
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/mpconsole . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mpconsole /usr/local/bin/mpconsole
COPY --from=build --chown=65532:65532 --chmod=0700 /out/data /data
ENV MPCONSOLE_CONFIG=/data/config.toml \
    XDG_CACHE_HOME=/data/cache \
    XDG_STATE_HOME=/data/state \
    HOME=/data
USER 65532:65532
VOLUME ["/data"]
EXPOSE 2222
ENTRYPOINT ["/usr/local/bin/mpconsole"]
CMD ["ssh", "--addr", "0.0.0.0:2222", "--host-key", "/data/ssh_host_ed25519_key", "--authorized-keys", "/data/authorized_keys"]
