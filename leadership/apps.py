from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "leadership"
    verbose_name = "People"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from leadership import middleware, security_log

        user_logged_in.connect(middleware.mark_seen_at_login, dispatch_uid="mark_seen_at_login")
        user_login_failed.connect(security_log.login_failed, dispatch_uid="log_login_failed")
