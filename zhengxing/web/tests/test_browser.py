"""In a real browser (Debian's chromium through Playwright): a new township clerk logs in,
downloads the roster template, fills it in, imports it, and finds the members in the list."""

import datetime as dt

import openpyxl
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from zhengxing.orgs import idcard
from zhengxing.orgs.services import role_grant
from zhengxing.testing import PASSWORD, SYSTEM, build_cast

pytestmark = pytest.mark.browser


@pytest.fixture
def clerk(transactional_db: None) -> User:
    cast = build_cast()
    user = User.objects.create_user(username="newclerk", password=PASSWORD)
    role_grant(actor=SYSTEM, user=user, org=cast.town_a, role="township")
    return user


def fill_template(path: str) -> list[str]:
    """Three new members of branch A1B written into the downloaded template."""
    book = openpyxl.load_workbook(path)
    sheet = book["党员"]
    headers = [cell.value for cell in sheet[1]]
    names = ["孟秀兰", "巴特尔", "乌日娜"]
    for i, name in enumerate(names):
        born = dt.date(1970 + i, 3, 1 + i)
        female = name != "巴特尔"
        number = idcard.make("150824", born, 100 + i * 2 + (0 if female else 1))
        row = {
            "姓名": name,
            "性别": "女" if female else "男",
            "民族": "汉族" if i == 0 else "蒙古族",
            "出生日期": born.isoformat(),
            "公民身份号码": number,
            "联系电话": f"1390477{i:04d}",
            "入党日期": "2001-07-01",
            "转正日期": "2002-07-01",
            "党员类型": "正式党员",
            "人员类别": "普通党员",
            "所在党组织代码": "A1B",
        }
        sheet.append([row.get(str(h)) for h in headers])
    book.save(path)
    return names


def test_a_new_clerk_imports_the_template_and_finds_the_members(
    clerk: User, live_server, page: Page, tmp_path
) -> None:
    page.goto(live_server.url + "/")
    page.fill("input[name=username]", "newclerk")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button.primary").click()
    expect(page.locator("h1")).to_contain_text("newclerk")

    page.goto(live_server.url + "/jobs/import/")
    with page.expect_download() as download_info:
        page.locator('a[href="/orgs/import/template.xlsx"]').first.click()
    template = tmp_path / "roster.xlsx"
    download_info.value.save_as(template)
    names = fill_template(str(template))

    page.set_input_files("input[type=file]", str(template))
    page.locator("form button.primary").click()
    # the import runs as a background job; its page shows the result
    expect(page.locator(".job-summary")).to_contain_text("新增党员3人")
    expect(page.locator(".error, .errorlist")).to_have_count(0)

    page.goto(live_server.url + "/orgs/members/")
    page.fill("input[name=q]", "巴特尔")
    page.keyboard.press("Enter")
    expect(page.locator("table")).to_contain_text("巴特尔")
    for name in names:
        page.goto(live_server.url + f"/orgs/members/?q={name}")
        expect(page.locator("table")).to_contain_text(name)
