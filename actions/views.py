"""Action pages."""

from django.shortcuts import get_object_or_404, render

from actions.models import Action


def action_detail(request, pk):
    """Placeholder until the action page lands."""
    action = get_object_or_404(Action.objects.visible_to(request.user), pk=pk)
    return render(request, "actions/action_detail.html", {"action": action})
