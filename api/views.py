from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_core.modules.registry import module_enabled, registry


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    first_name_ar = serializers.CharField()
    last_name_ar = serializers.CharField()
    email = serializers.EmailField()
    language = serializers.CharField()
    commune = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    modules = serializers.ListField(child=serializers.CharField())


class MeView(APIView):
    """The signed-in account, its commune, its module roles and the modules switched on."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        commune = request.commune
        roles = sorted(
            f"{link.module_key}.{link.role_key}"
            for link in _role_links(user)
        )
        return Response(
            MeSerializer(
                {
                    "username": user.get_username(),
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "first_name_ar": user.first_name_ar,
                    "last_name_ar": user.last_name_ar,
                    "email": user.email,
                    "language": getattr(getattr(user, "wagtail_userprofile", None), "preferred_language", "")
                    or request.LANGUAGE_CODE,
                    "commune": commune.slug,
                    "roles": roles,
                    "modules": [spec.key for spec in registry.all() if module_enabled(commune, spec.key)],
                }
            ).data
        )


def _role_links(user):
    from platform_core.accounts.models import RoleGroup

    return RoleGroup.objects.filter(group__user=user)
