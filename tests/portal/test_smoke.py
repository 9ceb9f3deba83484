def test_home_page_is_served_in_chinese(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "城管行业协会协作平台" in html
