from django.http import HttpResponse


def overview(request):  # type: ignore[no-untyped-def]
    return HttpResponse("")


unit_list = unit_export = unit_create = unit_detail = unit_edit = overview
