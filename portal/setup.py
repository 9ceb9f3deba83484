"""Site structure every installation needs, created after `migrate` (idempotent).

- the policy library page under the home page (/policies/);
- the event list page under the home page (/events/);
- the review workflow 委员会审核: a committee editor submits, a committee administrator approves or rejects
  with a comment. It is assigned to the root page, so every page of the site goes through it.
"""

from django.contrib.auth.models import Group

from core.roles import COMMITTEE_ADMIN

WORKFLOW_NAME = "委员会审核"
TASK_NAME = "委员会管理员审核"


def ensure_policy_library():
    from .models import HomePage, PolicyIndexPage

    existing = PolicyIndexPage.objects.first()
    if existing is not None:
        return existing
    home = HomePage.objects.first()
    if home is None:
        return None
    index = PolicyIndexPage(
        title="政策文件",
        slug="policies",
        intro="市城管委及相关部门发布的法规、规章、规范性文件、标准规范、通知公告与政策解读。",
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def ensure_event_index():
    from events.models import EventIndexPage

    from .models import HomePage

    existing = EventIndexPage.objects.first()
    if existing is not None:
        return existing
    home = HomePage.objects.first()
    if home is None:
        return None
    index = EventIndexPage(
        title="活动",
        slug="events",
        intro="市城管委与各行业协会共同举办的论坛、颁奖典礼、培训、考察交流和文艺活动。",
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def ensure_review_workflow():
    from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

    admins, _created = Group.objects.get_or_create(name=COMMITTEE_ADMIN)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(admins)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    root = Page.get_first_root_node()
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


def ensure_site_structure(**kwargs):
    ensure_policy_library()
    ensure_event_index()
    ensure_review_workflow()
