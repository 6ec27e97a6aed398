"""Meeting pages (placeholder until the views land)."""

from django.views.generic import DetailView, ListView

from meetings.models import Meeting


class MeetingListView(ListView):
    model = Meeting


class MeetingDetailView(DetailView):
    model = Meeting
