"""A newcomer collecting money as someone the group trusts (issue 11): 我是新任会长 会费每人二百 扫码交一下.

The fraud of class, club and neighbourhood groups: someone joins, says they are the new 班主任,
会长 or 物业, or that the owner sent them (群主让我来收活动费), and asks everyone to pay a fee to
them. A payment code in an image from a newcomer is already removed (check_qrcode, 新成员发收款码);
the words come first and often alone (转我微信就行), and nothing in them is an ad.

A real new teacher or treasurer writes the same words, so nobody is punished for them: the group is
told to check with the owner or someone they know before paying (texts.warn_fee), as for a loan plea,
and a second time the owner and admins decide. A newcomer the owner or an admin invited is judged as
an established member and never read so; nor is a regular, who collects the 班费 every term.

The clear form has both at once, in the writer's own words:

- a role claimed for the writer (我是新来的班主任, 本人是物业的) or given them by one (群主让我来收);
- a fee asked for (会费每人二百 扫码交一下, 资料费请转给我, 物业费直接转我微信).

Asking (会费交给谁呀), paying (会费已经交了), splitting at the table (AA, 现场付) and warnings (有人
自称新任会长让交会费，大家别信: checks.py's discussion rule) are not a collection. This module only
reads words; nothing here is a feature of the char model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROLES = (r"(?:副?会长|班主任|老师|班长|财务|出纳|会计|群主|管理员|负责人|秘书长?|社长|队长|教练|团长|楼长|"
          r"主任|物业|组长|家委会?|业委会|居委会?|村委会?)")
# the writer's own claim: 我是新来的班主任王老师, 本人是物业的, 我是这学期的家委
_CLAIMED = re.compile(r"(?:我是|我就是|本人是?|我这边是|我作为)[^，,。！!？?；;\n]{0,8}?" + _ROLES)
# or a role's errand: 群主让我来收一下活动费, 班主任委托我统计资料费
_SENT = re.compile(_ROLES + r"(?:让|叫|委托|安排|派)我")
_FEE = (r"(?:会|班|资料|书本|材料|报名|活动|服装|年|工本|服务|管理|物业|餐|教材|校服|保险|培训|押|杂)费|"
        r"押金|保证金|定金|订金")
# a fee asked of the readers: named with a way to pay or a sum each, or money asked to the writer
_ASKED = re.compile(r"(?:" + _FEE + r")[^。！!？?；;\n]{0,16}?(?:交|缴|付|转|扫码|收款|每人|每位|每个人|每户|每家)|"
                    r"(?:交|缴|付|收)(?:一下|下)?(?:" + _FEE + r")|扫码(?:交|缴|付|支付|转)|转(?:给|到)?我|"
                    r"(?:收款码|二维码)[^。！!？?；;\n]{0,6}(?:交|缴|付|转)")
# asking how to pay, paying, paying back, splitting at the table: members settling up
_SETTLING = re.compile(r"交给谁|怎么交|交到哪|在哪交|要交吗|要不要交|交了吗|是不是要交|交过|已交|交了|已缴|缴过|"
                       r"已转|转过|转给你了|收到了|已收|退给|退还|还给|aa|现场付|现场交|到时候付|到时候交|自愿|不用交|"
                       r"不收费|免费|已经(?:交|缴|转|付)")
# a collection told about, not made (有人自称新任会长让大家交会费，大家别信): a warning word of the
# broad kind (注意, 提醒) would let the fraud's own 请注意 hide it, so only these
_TOLD_ABOUT = re.compile(r"自称|冒充|假冒|骗|假的|别信|不要信|别转|不要转|别交|不要交|别扫|不要扫|核实|当心|小心|盗号")


@dataclass(frozen=True, slots=True)
class FeeClaim:
    role: str  # the role claimed or the one that sent the writer, as written
    asked: str  # the fee asked for, as written

    @property
    def words(self) -> tuple[str, str]:
        return self.role, self.asked


def fee_claim(body: str) -> FeeClaim | None:
    """A role claimed and a fee asked of the group in one message (我是新任会长 会费每人二百 扫码交一下),
    or None. The caller decides whose message it reads (a newcomer's only)."""
    if _SETTLING.search(body) or _TOLD_ABOUT.search(body):
        return None
    role = _CLAIMED.search(body) or _SENT.search(body)
    asked = _ASKED.search(body)
    if role is None or asked is None:
        return None
    return FeeClaim(role.group(0), asked.group(0))
