"""The public timeline's own wing: the page (paging, date headings), its filter form and chips, facets, the volume
chart and the query strings that link them. views.timeline calls page.timeline_page and renders what it builds."""
