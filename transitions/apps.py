from django.apps import AppConfig


class TransitionsConfig(AppConfig):
    name = "transitions"
    verbose_name = "Framework content"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from leadership import erasure
        from transitions import content, notifications, services
        from transitions.models import Area, AreaRevision, Framework, Shift, ShiftRevision

        for model in (Framework, Area, AreaRevision, Shift, ShiftRevision):
            name = model.__name__
            post_save.connect(content.content_changed, sender=model, dispatch_uid=f"save-{name}")
            post_delete.connect(
                content.content_changed, sender=model, dispatch_uid=f"delete-{name}"
            )
        request_started.connect(content.request_started, dispatch_uid="content-request-started")
        request_finished.connect(content.request_finished, dispatch_uid="content-request-done")
        erasure.register(services.unfinished_reviews_erase)
        erasure.register(services.feedback_giver_erase)
        erasure.register(notifications.erase_about)
