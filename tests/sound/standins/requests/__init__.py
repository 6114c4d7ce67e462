"""Records the URL of every request instead of sending it (see tests/sound/standins/README.md)."""

sent = []  # URLs in the order they were requested


class Response:
    status_code = 200
    ok = True
    text = ""

    def __init__(self, method, url):
        self.request_method = method
        self.url = url

    def json(self):
        return {}

    def raise_for_status(self):
        return None


def request(method, url, **kwargs):
    sent.append(url)
    return Response(method.upper(), url)


def get(url, **kwargs):
    return request("GET", url, **kwargs)


def post(url, **kwargs):
    return request("POST", url, **kwargs)


def put(url, **kwargs):
    return request("PUT", url, **kwargs)


def patch(url, **kwargs):
    return request("PATCH", url, **kwargs)


def delete(url, **kwargs):
    return request("DELETE", url, **kwargs)


class Session:
    def __init__(self):
        self.headers = {}

    def request(self, method, url, **kwargs):
        return request(method, url, **kwargs)

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)

    def put(self, url, **kwargs):
        return self.request("PUT", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.request("PATCH", url, **kwargs)

    def delete(self, url, **kwargs):
        return self.request("DELETE", url, **kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None
