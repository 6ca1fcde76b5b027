from django.http import HttpResponse
from rest_framework import viewsets
from rest_framework.response import Response


def admin_board(request):
    return HttpResponse(f"noticeboard admin of {request.commune.slug}")


def portal_board(request):
    return HttpResponse(f"noticeboard portal of {request.commune.slug}")


class NoticeViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response([{"commune": request.commune.slug, "text": "Bienvenue"}])
