#!/usr/bin/env python3
"""Renames one page through Magnetiq's admin, as an editor's browser does: signs in, reads the page
form, changes the English title, saves. Used by bench/prerender.sh.

    edit_title.py BASE EMAIL PASSWORD PAGE_ID NEW_TITLE
"""
import sys
from html.parser import HTMLParser

import requests


class FormFields(HTMLParser):
    """The fields a browser would send for the first form whose class includes `wanted`."""

    def __init__(self, wanted):
        super().__init__()
        self.wanted, self.inside, self.fields = wanted, False, []
        self.textarea = self.select = None
        self.first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.wanted in (a.get("class") or "").split():
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append([name, a.get("value", "")])
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in a:
                self.fields.append([self.select, value])
                self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            self.fields.append(self.textarea)
            self.textarea = None
        elif tag == "select" and self.select:
            self.fields.append([self.select, self.first_option or ""])
            self.select = None
        elif tag == "form" and self.inside:
            self.inside = False


def fields_of(html, wanted):
    parser = FormFields(wanted)
    parser.feed(html)
    return parser.fields


def main():
    base, email, password, page_id, title = sys.argv[1:6]
    s = requests.Session()
    headers = {"Origin": base}
    login = fields_of(s.get(f"{base}/admin/login").text, "login-form") or []
    token = next((v for n, v in login if n == "csrf_token"), None)
    if token is None:
        import re
        token = re.search(r'name="csrf_token" value="([^"]+)"', s.get(f"{base}/admin/login").text).group(1)
    r = s.post(f"{base}/admin/login", headers=headers, allow_redirects=False,
               data={"email": email, "password": password, "csrf_token": token, "next": "/admin"})
    assert r.status_code == 303, f"sign-in: {r.status_code}"
    edit = f"{base}/admin/pages/{page_id}"
    fields = [f for f in fields_of(s.get(edit).text, "page-form") if f[0] != "action"]
    for f in fields:
        if f[0] == "title.en":
            f[1] = title
    fields.append(["action", "save"])
    r = s.post(edit, headers={**headers, "Referer": edit}, data=fields, allow_redirects=False)
    assert r.status_code == 303, f"save: {r.status_code} {r.text[:500]}"


if __name__ == "__main__":
    main()
