import { createHash } from 'node:crypto';
import { UpsertArticleInput, UpsertChannelInput } from './help-centre.service';

// The starter help centre: the most common wallet questions of DOMAIN.md, in zh-CN and en.
// Seeded by `npm run cli -- seed help-centre` (idempotent: fixed ids, so re-running updates).

interface Topic {
  slug: string;
  category: string;
  en: { title: string; body: string };
  zh: { title: string; body: string };
}

const TOPICS: Topic[] = [
  {
    slug: 'payment-failed',
    category: 'payment_failed',
    en: {
      title: 'Why did my payment fail?',
      body: 'Payments usually fail because the balance is insufficient, the network was unstable, the merchant does not accept the wallet, or a risk check froze the payment. Check your balance and connection and try again. If money left your account but the merchant did not receive it, it is returned automatically within 3 working days.',
    },
    zh: {
      title: '为什么我的付款失败了？',
      body: '付款失败的常见原因：余额不足、网络不稳定、商户不支持本钱包，或风控冻结了这笔付款。请检查余额和网络后重试。如果钱已扣款但商户未收到，款项将在3个工作日内自动退回。',
    },
  },
  {
    slug: 'account-locked',
    category: 'account_locked',
    en: {
      title: 'My account is locked',
      body: 'Accounts are locked after too many wrong passwords or when we notice suspicious activity. Wait 30 minutes and try again, or contact us to verify your identity and unlock the account.',
    },
    zh: {
      title: '账户被锁定怎么办？',
      body: '多次输错密码或检测到可疑活动时，账户会被锁定。请等待30分钟后重试，或联系客服验证身份后解锁账户。',
    },
  },
  {
    slug: 'account-stolen',
    category: 'account_stolen',
    en: {
      title: 'I think my account was stolen',
      body: 'Contact us immediately through the hotline or in-app chat: we freeze the account at once so no more money can leave it, then verify your identity and restore access.',
    },
    zh: {
      title: '账户被盗了怎么办？',
      body: '请立即通过客服热线或应用内在线客服联系我们：我们会马上冻结账户，防止资金继续转出，然后核实您的身份并恢复账户。',
    },
  },
  {
    slug: 'password-reset',
    category: 'password_reset',
    en: {
      title: 'The SMS code or reset link never arrived',
      body: 'Check that your phone number is correct, that you have signal, and your spam folder for the reset link. Codes can be requested again after 60 seconds. If nothing arrives, contact us.',
    },
    zh: {
      title: '收不到短信验证码或重置密码链接',
      body: '请确认手机号码正确、信号正常，并检查垃圾邮件中的重置链接。60秒后可以重新获取验证码。如果仍然收不到，请联系客服。',
    },
  },
  {
    slug: 'refund-not-received',
    category: 'refund_not_received',
    en: {
      title: 'The merchant refunded me but the refund has not arrived',
      body: 'Refunds to the wallet balance arrive within 1 working day; refunds to a bank card take 3 to 7 working days depending on the bank. If it has not arrived after that, open a case with the transaction id.',
    },
    zh: {
      title: '商户已退款，但退款还没到账',
      body: '退回钱包余额的退款1个工作日内到账；退回银行卡的退款视银行而定，需要3到7个工作日。超过时间仍未到账，请提供交易单号联系客服。',
    },
  },
  {
    slug: 'card-unbinding',
    category: 'card_unbinding',
    en: {
      title: 'I cannot unbind my bank card',
      body: 'A bank card cannot be unbound while a transaction on it is still pending, or when identity verification fails. Wait until pending transactions complete, then try again.',
    },
    zh: {
      title: '银行卡无法解绑怎么办？',
      body: '银行卡有未完成的交易或身份验证失败时无法解绑。请等待交易完成后再尝试解绑。',
    },
  },
  {
    slug: 'cross-border',
    category: 'cross_border',
    en: {
      title: 'Paying abroad: currencies and fees',
      body: 'The wallet supports payments in the major currencies. Cross-border payments are converted at the exchange rate of the payment time and may carry a conversion fee shown before you confirm.',
    },
    zh: {
      title: '境外支付：币种和手续费',
      body: '钱包支持主要币种的境外支付。跨境付款按付款时的汇率换算，可能收取货币转换手续费，确认付款前会显示。',
    },
  },
];

/** Fixed per topic and language, so a second seed updates instead of duplicating. */
function articleId(slug: string, language: string): string {
  const h = createHash('sha256').update(`help-article:${slug}:${language}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const STARTER_ARTICLES: UpsertArticleInput[] = TOPICS.flatMap((t) => [
  { id: articleId(t.slug, 'en'), category: t.category, language: 'en', ...t.en },
  { id: articleId(t.slug, 'zh-CN'), category: t.category, language: 'zh-CN', ...t.zh },
]);

/** DOMAIN.md's example: phone 9:00–21:00, chat 24/7. */
export const STARTER_CHANNELS: UpsertChannelInput[] = [
  {
    channel: 'phone',
    name: 'Hotline 客服热线',
    contact: '+86 400-000-0000',
    opensAt: '09:00',
    closesAt: '21:00',
    alwaysOpen: false,
  },
  { channel: 'chat', name: 'In-app chat 在线客服', alwaysOpen: true },
  { channel: 'email', name: 'Email', contact: 'support@example.com', alwaysOpen: true },
];
