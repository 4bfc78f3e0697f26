"""Where a transaction ends: once per REST request, after its view.

Services only flush. A REST request commits in `UnitOfWorkFlask.dispatch_request`: after a view
that answered below 400, and before the answer is built, so a commit that fails (a unique key
lost a race, the database went away) goes through the error handlers like any other error and is
answered 409 or 503 as problem+json. A view that raises, or answers 400 and above, leaves nothing:
the session is rolled back. The one exception is a refusal that is itself a decision to keep (a
reused refresh token ends its session): `ApiProblem(..., keep_changes=True)` commits, then answers."""

from flask import Flask


class UnitOfWorkFlask(Flask):
    """Flask with one commit point per request (Indico's request handler commits the same way)."""

    def dispatch_request(self):
        from ..errors import ApiProblem
        from ..extensions import db

        try:
            response = self.make_response(super().dispatch_request())
        except ApiProblem as problem:
            if problem.keep_changes:
                db.session.commit()
            else:
                db.session.rollback()
            raise
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response
